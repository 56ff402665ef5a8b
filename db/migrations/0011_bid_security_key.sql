-- Procura schema version 11: each bid names its bid-security deposit (docs/bidding.md).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- The id of the pending money transfer that holds a bid's security is made by one function,
-- bidding::bid_security_transfer_id, and stored with the bid by intake. Settlement finds a
-- bid's deposit by this column instead of rebuilding the id in SQL, and a deposit whose bid
-- was never stored by the absence of any bid naming it. Bids stored before this version get
-- the id intake gave their deposits then, which is what the function still gives.

ALTER TABLE bids
    ADD COLUMN security_transfer_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL;

UPDATE bids SET security_transfer_key = CONCAT('bs:', tender_id, ':', LEFT(sha256, 32));

ALTER TABLE bids
    MODIFY security_transfer_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    ADD KEY bids_security (security_transfer_key);
