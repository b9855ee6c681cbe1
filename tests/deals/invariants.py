"""Queries that hold what the deals schema keeps in step by triggers, for the tests that check it."""

# Each index and the rows it should hold, both ways: a row of the table missing from the index, or an
# entry of the index with no such row, is a difference.
DIFFERENCES = """
select 'auth_token_hashes' as "index", count(*) as differences
from (
    (select token, user_id, id from deals.auth_tokens
     except select token, user_id, auth_token_id from deals.auth_token_hashes)
    union all
    (select token, user_id, auth_token_id from deals.auth_token_hashes
     except select token, user_id, id from deals.auth_tokens)
) as d
union all
select 'transaction_hashes', count(*)
from (
    (select tx_hash, user_id, id from deals.token_transactions where tx_hash is not null
     except select tx_hash, user_id, transaction_id from deals.transaction_hashes)
    union all
    (select tx_hash, user_id, transaction_id from deals.transaction_hashes
     except select tx_hash, user_id, id from deals.token_transactions where tx_hash is not null)
) as d
"""
