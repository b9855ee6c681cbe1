-- depends: 0158_deals_hash_indexes_fill
--
-- deals: the entries 0158 wrote for rows deleted or re-hashed while it ran go. 0158's snapshot saw
-- such a row, and the trigger's delete ran before 0158's entry existed, so the entry stayed and
-- would refuse the hash to anyone. Every delete since 0158 committed found its entry, so what has no
-- row now is exactly that. 0162 sweeps once more.
delete from deals.auth_token_hashes as h
where not exists (
    select from deals.auth_tokens as t
    where t.id = h.auth_token_id
      and t.user_id = h.user_id
      and t.token = h.token
);

delete from deals.transaction_hashes as h
where not exists (
    select from deals.token_transactions as t
    where t.id = h.transaction_id
      and t.user_id = h.user_id
      and t.tx_hash = h.tx_hash
);
