-- Procura schema version 2: each tender row carries the number of its lots and the sum of
-- their budgets, so that the notice board's list query reads them from the row instead of
-- running two correlated subqueries over tender_lots per listed tender.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Invariant: lot_count = the number of tender_lots rows of the tender, total_budget_minor =
-- the sum of their budget_minor (clamped to the BIGINT range, as CAST AS SIGNED does). The
-- only writer of tender_lots, tender/mysql_store.cpp, sets both columns in the same statement
-- that writes the tender row, inside the transaction that rewrites the lots. A binary older
-- than this migration does not maintain them, so do not run one against a migrated database.

ALTER TABLE tenders
    ADD COLUMN lot_count BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN total_budget_minor BIGINT NOT NULL DEFAULT 0;

-- Back-fill existing tenders. A tender without lots keeps the defaults, which are correct.
UPDATE tenders t
    JOIN (SELECT tender_id, COUNT(*) AS lots, SUM(budget_minor) AS budget_minor
          FROM tender_lots GROUP BY tender_id) l ON l.tender_id = t.id
    SET t.lot_count = l.lots, t.total_budget_minor = CAST(l.budget_minor AS SIGNED);
