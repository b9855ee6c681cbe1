-- depends: 0025_deals_kept_truth
-- transactional: false
--
-- A social login is one account: (social_provider, social_id) unique when present (NULLs are
-- distinct, so users without a social login never collide). Serves users.get_by_social.
-- Built concurrently: deals.users is live and large.
create unique index concurrently if not exists uq_users_social_provider_social_id
    on deals.users (social_provider, social_id);
