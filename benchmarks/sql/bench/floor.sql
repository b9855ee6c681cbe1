-- name: select_one()$
-- The round-trip floor: one constant, no table.
select 1;
