/* The "skeleton" of a certificate subject, after the idea of Unicode TS #39
 * (confusable detection): two names that a person reading them would take
 * for the same have the same skeleton. Import compares skeletons to refuse a
 * certificate that only looks like a registered one (unless confirmed).
 *
 * Folded: case; Vietnamese and other Latin diacritics (composed, or as
 * combining marks); Cyrillic and Greek letters that look Latin; fullwidth
 * forms; the digits 0 and 1 (as o and l); invisible format characters,
 * white space and the punctuation - _ . , ' (dropped).
 */
#ifndef VNTL_DB_SKELETON_H
#define VNTL_DB_SKELETON_H

/* Skeleton of UTF-8 `text` (malloc'd), or NULL when out of memory. Bytes
 * that are not valid UTF-8 are kept as they are. */
char *db_skeleton(const char *text);

#endif
