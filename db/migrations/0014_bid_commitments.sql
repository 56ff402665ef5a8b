-- Procura schema version 14: the salt of each bid version's log commitment (issue 16, bidder
-- anonymity until the opening).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- commitment_salt is 32 random bytes in lower-case hex, fresh per bid version. The bid's log
-- leaves (bid.received, bid.replaced, bid.withdrawn) carry SHA-256 of a text made of the salt,
-- the tender, the supplier, the lot and the body's hash (bidding/commitment.hpp), not those
-- values, the receipt gives the salt to the supplier, and the opening publishes it with the
-- values, so anyone can then recompute every earlier leaf. Until the opening the salt is as
-- secret as the supplier_id beside it: with it, the few suppliers and lots could be tried one
-- by one. It never changes. Bids stored before this version have none (NULL), their leaves
-- name the supplier and lot as they did.

ALTER TABLE bids
    ADD COLUMN commitment_salt CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL;
