-- Procura schema version 8: awards, contracts and their payment milestones (settlement/).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Settlement batches read these three tables (the columns below are their contract):
-- - awards: one row per award decision. state is 'awarded' from the decision until the contract
--   is signed ('signed') or the winner declines to sign ('declined', an officer's recorded
--   decision that forfeits the winner's bid security). At most one award per lot is current
--   (awarded or signed): current_key is unique.
-- - contracts: one per signed award, its value the award's.
-- - contract_milestones: the contract's payments, numbered from 1, whose amounts add up to the
--   contract value, state 'planned' until an officer accepts the milestone ('accepted').
-- A declined award stays as it is (state 'declined', decided_by/at, decline_reason), and the lot's
-- next award is a new row with its own id, bid and awarded_rank.
--
-- Added for the award rules and the evaluation record (settlement/awards/, docs/awards.md):
-- - awards.clarification: the recorded clarification of an abnormally low bid ('' otherwise),
--   awards.skipped_bid_ids_json: the eligible bids ranked above the awarded one, as a JSON
--   array of bid ids ('[]' when the top eligible bid was awarded).
-- - tender_evaluations / lot_evaluations / bid_evaluations: the stored evaluation, once per
--   tender: each lot's result (the JSON of settlement::to_json) and each ranked bid's rank,
--   flag and score breakdown.
-- - evaluation_declarations: each panel member's conflict-of-interest declaration, once, with
--   the supplier ids of the opening record it covers. no_conflict false recuses the member.
-- - technical_scores: the panel's raw scores, one row per (bid, member, criterion), never
--   updated: the primary key is what locks a submitted score.
-- - lot_closures: an officer's recorded decision that a lot without a current award will not be
--   awarded (it is unsuccessful), with the eligible bids it passed over. Once per lot, final.

CREATE TABLE awards (
    id BIGINT NOT NULL AUTO_INCREMENT,
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    bid_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    awarded_rank INT NOT NULL,
    skip_reason VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    awarded_by BIGINT NOT NULL,
    awarded_at_ms BIGINT NOT NULL,
    standstill_ends_at_ms BIGINT NOT NULL,
    decided_by BIGINT NULL,
    decided_at_ms BIGINT NULL,
    decline_reason VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    clarification VARCHAR(2000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    skipped_bid_ids_json MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL
        DEFAULT '[]',
    current_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
        AS (IF(state IN ('awarded', 'signed'), CONCAT(tender_id, ':', lot_id), NULL)) PERSISTENT,
    PRIMARY KEY (id),
    UNIQUE KEY awards_current (current_key),
    KEY awards_lot (tender_id, lot_id),
    CONSTRAINT awards_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id),
    CONSTRAINT awards_bid_fk FOREIGN KEY (bid_id) REFERENCES bids (id),
    CONSTRAINT awards_supplier_fk FOREIGN KEY (supplier_id) REFERENCES users (id),
    CONSTRAINT awards_state_known CHECK (state IN ('awarded', 'signed', 'declined')),
    CONSTRAINT awards_value_positive CHECK (value_minor > 0)
) ENGINE = InnoDB;

CREATE TABLE contracts (
    id BIGINT NOT NULL AUTO_INCREMENT,
    award_id BIGINT NOT NULL,
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    signed_by BIGINT NOT NULL,
    signed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY contracts_award (award_id),
    KEY contracts_tender (tender_id, lot_id),
    CONSTRAINT contracts_award_fk FOREIGN KEY (award_id) REFERENCES awards (id),
    CONSTRAINT contracts_supplier_fk FOREIGN KEY (supplier_id) REFERENCES users (id)
) ENGINE = InnoDB;

CREATE TABLE contract_milestones (
    id BIGINT NOT NULL AUTO_INCREMENT,
    contract_id BIGINT NOT NULL,
    number INT NOT NULL,
    title VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    accepted_by BIGINT NULL,
    accepted_at_ms BIGINT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY contract_milestones_number (contract_id, number),
    KEY contract_milestones_accepted (state, accepted_at_ms),
    CONSTRAINT contract_milestones_contract_fk FOREIGN KEY (contract_id) REFERENCES contracts (id),
    CONSTRAINT contract_milestones_state_known CHECK (state IN ('planned', 'accepted')),
    CONSTRAINT contract_milestones_amount_positive CHECK (amount_minor > 0)
) ENGINE = InnoDB;

CREATE TABLE tender_evaluations (
    tender_id BIGINT NOT NULL,
    evaluated_by BIGINT NOT NULL,
    evaluated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tender_id),
    CONSTRAINT tender_evaluations_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
) ENGINE = InnoDB;

CREATE TABLE lot_evaluations (
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    result_json MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (tender_id, lot_id),
    CONSTRAINT lot_evaluations_evaluation_fk FOREIGN KEY (tender_id)
        REFERENCES tender_evaluations (tender_id)
) ENGINE = InnoDB;

CREATE TABLE bid_evaluations (
    bid_id BIGINT NOT NULL,
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    lot_rank INT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    abnormally_low BOOLEAN NOT NULL,
    total_score_micro BIGINT NOT NULL,
    breakdown_json MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (bid_id),
    UNIQUE KEY bid_evaluations_rank (tender_id, lot_id, lot_rank),
    CONSTRAINT bid_evaluations_bid_fk FOREIGN KEY (bid_id) REFERENCES bids (id),
    CONSTRAINT bid_evaluations_evaluation_fk FOREIGN KEY (tender_id)
        REFERENCES tender_evaluations (tender_id)
) ENGINE = InnoDB;

CREATE TABLE evaluation_declarations (
    tender_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    no_conflict BOOLEAN NOT NULL,
    statement VARCHAR(2000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    supplier_ids_json TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    declared_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tender_id, member_id),
    CONSTRAINT evaluation_declarations_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id),
    CONSTRAINT evaluation_declarations_member_fk FOREIGN KEY (member_id) REFERENCES users (id)
) ENGINE = InnoDB;

CREATE TABLE technical_scores (
    bid_id BIGINT NOT NULL,
    member_id BIGINT NOT NULL,
    criterion_id BIGINT NOT NULL,
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    score_micro BIGINT NOT NULL,
    submitted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (bid_id, member_id, criterion_id),
    KEY technical_scores_tender (tender_id),
    CONSTRAINT technical_scores_bid_fk FOREIGN KEY (bid_id) REFERENCES bids (id),
    CONSTRAINT technical_scores_member_fk FOREIGN KEY (member_id) REFERENCES users (id)
) ENGINE = InnoDB;

CREATE TABLE lot_closures (
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    reason VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    skipped_bid_ids_json MEDIUMTEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    closed_by BIGINT NOT NULL,
    closed_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tender_id, lot_id),
    CONSTRAINT lot_closures_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
) ENGINE = InnoDB;
