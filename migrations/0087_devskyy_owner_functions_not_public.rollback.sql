grant execute on function devskyy.check_order_subtotal() to public;
grant execute on function devskyy.sync_product_facets() to public;
grant execute on function devskyy.restock_cancelled_order() to public;

grant execute on function devskyy.place_order_as_owner(uuid, uuid[], integer[], numeric, jsonb)
    to sqlfirst_app, sqlfirst_worker;

create or replace function devskyy.place_order(
    p_user_id uuid,
    p_product_ids uuid[],
    p_quantities integer[],
    p_extra_charges numeric,
    p_metadata jsonb
)
returns table (
    id uuid,
    order_number varchar,
    user_id uuid,
    status devskyy.order_status,
    total_price numeric,
    subtotal numeric,
    created_at timestamptz,
    updated_at timestamptz,
    metadata jsonb,
    items jsonb
)
language plpgsql
security invoker
as $$
begin
    if row_security_active('devskyy.orders') and p_user_id is distinct from core.acting_user() then
        raise exception 'an order is placed for the acting user (%), not for %',
                        coalesce(core.acting_user()::text, 'nobody: a guest order'), coalesce(p_user_id::text, 'a guest')
            using errcode = 'insufficient_privilege', schema = 'devskyy', table = 'orders';
    end if;
    return query
    select * from devskyy.place_order_as_owner(p_user_id, p_product_ids, p_quantities, p_extra_charges, p_metadata);
end;
$$;

alter function devskyy.place_order(uuid, uuid[], integer[], numeric, jsonb) reset search_path;
