# Sourced by the kill tests and scripts/soak-kill.sh: $CONSISTENCY, one
# SQL statement counting every way a change could be half-applied (0 means
# consistent): an applied change without its history entry or audit entry, a
# pending one with either, a service whose status is not its latest history
# entry, an audit head that is not the last entry.
CONSISTENCY="
SELECT
 (SELECT count(*) FROM change_request r WHERE r.state = 'applied' AND
    (NOT EXISTS (SELECT 1 FROM status_history h WHERE h.change_id = r.id) OR
     NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'change.apply' AND a.object = 'change:' || r.id)))
 + (SELECT count(*) FROM change_request r WHERE r.state = 'pending' AND
    (EXISTS (SELECT 1 FROM status_history h WHERE h.change_id = r.id) OR
     EXISTS (SELECT 1 FROM audit a WHERE a.action = 'change.apply' AND a.object = 'change:' || r.id)))
 + (SELECT count(*) FROM service s WHERE s.status <>
    (SELECT h.status FROM status_history h WHERE h.service_id = s.id ORDER BY h.effective DESC, h.id DESC LIMIT 1))
 + (SELECT count(*) FROM audit_head WHERE last_id <> (SELECT max(id) FROM audit));"
