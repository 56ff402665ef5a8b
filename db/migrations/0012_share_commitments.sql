-- Procura schema version 12: a commitment to each opening-key share (issue 16, defect 3).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- commitment_sha256 is the lower-case hex SHA-256 of the share's plaintext, taken when the key
-- is split. A member's share handed in at the opening is kept only if it hashes to it, so a
-- wrong share is refused at once instead of spoiling the honest shares handed in after it. It
-- tells nothing of the share (the plaintext carries the share's random bytes). Keys stored
-- before this version have no commitment (NULL) and are checked by the rebuild alone.

ALTER TABLE tender_opening_shares
    ADD COLUMN commitment_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL;
