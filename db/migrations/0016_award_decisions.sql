-- Procura schema version 16: four-eyes award decisions (issue 16, docs/awards.md "Two
-- officers"). An award, a decline, a contract signature and a milestone acceptance are each
-- proposed by one officer and executed only when a second officer confirms, until then they
-- are rows of award_decisions.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- award_decisions (written by settlement/awards/mysql_store.cpp only):
-- - kind 'award' (subject_id = the lot number), 'decline' or 'contract' (subject_id = the award
--   id), 'milestone' (subject_id = the contract id, milestone_number its number, 0 otherwise).
-- - input_json: what the proposer asked for, executed as it is on confirmation: an award's
--   {"bid_id", "reason", "clarification"}, a decline's {"reason"}, a contract's
--   {"milestones": [{"title", "amount_minor"}]}, a milestone's {}.
-- - state 'proposed' until another officer confirms it ('confirmed', decided_by never the
--   proposer: a CHECK) or an officer withdraws it ('withdrawn'), both final. result_id is the
--   award (kind award) or contract (kind contract) the confirmation made.
-- - One proposed decision per subject: open_key is unique.
-- Added to the records a confirmation makes, the officer who proposed it (the existing
-- awarded_by, decided_by, signed_by and accepted_by are the confirming officer, rows older
-- than this version have no proposer, NULL): awards.award_proposed_by,
-- awards.decision_proposed_by (of the contract or decline), contracts.proposed_by,
-- contract_milestones.proposed_by.
-- A declined award forfeits the winner's bid security in settlement (docs/settlement.md): the
-- service writes one only from a confirmed decline with its reason, published with it.

CREATE TABLE award_decisions (
    id BIGINT NOT NULL AUTO_INCREMENT,
    tender_id BIGINT NOT NULL,
    kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    subject_id BIGINT NOT NULL,
    milestone_number BIGINT NOT NULL DEFAULT 0,
    input_json MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    proposed_by BIGINT NOT NULL,
    proposed_at_ms BIGINT NOT NULL,
    decided_by BIGINT NULL,
    decided_at_ms BIGINT NULL,
    result_id BIGINT NOT NULL DEFAULT 0,
    open_key VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin
        AS (IF(state = 'proposed',
               CONCAT(tender_id, ':', kind, ':', subject_id, ':', milestone_number),
               NULL)) PERSISTENT,
    PRIMARY KEY (id),
    UNIQUE KEY award_decisions_open (open_key),
    KEY award_decisions_tender (tender_id, id),
    CONSTRAINT award_decisions_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id),
    CONSTRAINT award_decisions_kind_known
        CHECK (kind IN ('award', 'decline', 'contract', 'milestone')),
    CONSTRAINT award_decisions_state_known CHECK (state IN ('proposed', 'confirmed', 'withdrawn')),
    CONSTRAINT award_decisions_four_eyes
        CHECK (state <> 'confirmed' OR (decided_by IS NOT NULL AND decided_by <> proposed_by))
) ENGINE = InnoDB;

ALTER TABLE awards
    ADD COLUMN award_proposed_by BIGINT NULL,
    ADD COLUMN decision_proposed_by BIGINT NULL;

ALTER TABLE contracts
    ADD COLUMN proposed_by BIGINT NULL;

ALTER TABLE contract_milestones
    ADD COLUMN proposed_by BIGINT NULL;
