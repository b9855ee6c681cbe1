drop function deals.fill_hash_indexes();
