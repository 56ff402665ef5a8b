-- Procura schema version 13: a lot keeps its number for life (issue 16, defect 4). Until now
-- tender/ renumbered the lots 1..n by their place in the list at every change, so removing a
-- lot moved the bids on the lots after it onto another lot's terms. Now the number is the
-- lot's stable id: its place in the list is a column of its own, and each tender remembers the
-- highest number it has ever given, so that a removed lot's number is never given again.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Invariants, kept by tender/mysql_store.cpp, the only writer of these tables: the positions
-- of a tender's lots are 1..n in the order of the list, and lot_number_max is at least every
-- number the tender's lots have or had. A binary older than this migration renumbers lots, so
-- do not run one against a migrated database.

ALTER TABLE tender_lots
    ADD COLUMN position BIGINT NOT NULL DEFAULT 0;

-- Lots written before this version were numbered by their place in the list.
UPDATE tender_lots SET position = number;

ALTER TABLE tenders
    ADD COLUMN lot_number_max BIGINT NOT NULL DEFAULT 0;

-- Back-fill from what remains of each tender's history: its lots, the lots its bids name (a
-- lot an amendment removed may still hold bids) and the longest list of lots an amendment
-- published (numbered 1..n then). The lots of a draft edit are not recorded anywhere, but no
-- draft lot was ever public or bid on.
UPDATE tenders t
    SET t.lot_number_max = GREATEST(
        COALESCE((SELECT MAX(l.number) FROM tender_lots l WHERE l.tender_id = t.id), 0),
        COALESCE((SELECT MAX(b.lot_id) FROM bids b WHERE b.tender_id = t.id), 0),
        COALESCE((SELECT MAX(JSON_LENGTH(a.changes_json, '$.lots')) FROM tender_amendments a
                  WHERE a.tender_id = t.id), 0));
