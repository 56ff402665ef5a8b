-- Procura schema version 10: withdrawing a panel member from an evaluation (docs/awards.md).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- A member who declared no conflict but cannot score (absence, illness, leaving the body) is
-- withdrawn from the panel by an officer or by themselves, with a reason, before scoring
-- anything: the evaluation then goes on without them. The withdrawal is recorded on the
-- member's declaration, once (withdrawn_at_ms stays NULL until then), and never undone.

ALTER TABLE evaluation_declarations
    ADD COLUMN withdrawn_by BIGINT NULL,
    ADD COLUMN withdrawn_at_ms BIGINT NULL,
    ADD COLUMN withdrawal_reason VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    ADD CONSTRAINT evaluation_declarations_withdrawn_by_fk FOREIGN KEY (withdrawn_by)
        REFERENCES users (id);
