-- name: insert_client(company_name, industry, website, annual_revenue, employee_count, country, contact_person, contact_email, contact_phone, metadata)<!
-- Create a client.
insert into ai_seo.clients (
    company_name, industry, website, annual_revenue, employee_count, country, contact_person,
    contact_email, contact_phone, metadata
)
values (
    :company_name, :industry, :website, :annual_revenue, :employee_count, :country, :contact_person,
    :contact_email, :contact_phone, :metadata
)
returning id, company_name, industry, website, annual_revenue, employee_count, country, contact_person,
          contact_email, contact_phone, created_at, updated_at, metadata;

-- name: get_client_by_id(id)^
-- The client with this id.
select id, company_name, industry, website, annual_revenue, employee_count, country, contact_person,
       contact_email, contact_phone, created_at, updated_at, metadata
from ai_seo.clients
where id = :id;

-- name: update_client(id, company_name, industry, website, annual_revenue, employee_count, country, contact_person, contact_email, contact_phone, metadata)<!
-- Replace a client's fields.
update ai_seo.clients
set company_name = :company_name,
    industry = :industry,
    website = :website,
    annual_revenue = :annual_revenue,
    employee_count = :employee_count,
    country = :country,
    contact_person = :contact_person,
    contact_email = :contact_email,
    contact_phone = :contact_phone,
    metadata = :metadata
where id = :id
returning id, company_name, industry, website, annual_revenue, employee_count, country, contact_person,
          contact_email, contact_phone, created_at, updated_at, metadata;

-- name: list_clients(after_company_name, after_id, lim)
-- A page of clients by company name, after the last (company_name, id) seen.
select id, company_name, industry, website, annual_revenue, employee_count, country, contact_person,
       contact_email, contact_phone, created_at, updated_at, metadata
from ai_seo.clients
where (company_name, id) > (:after_company_name, :after_id)
order by company_name, id
limit :lim;

-- name: list_clients_by_industry(industry, lim)
-- Clients of an industry, by company name.
select id, company_name, industry, website, annual_revenue, employee_count, country, contact_person,
       contact_email, contact_phone, created_at, updated_at, metadata
from ai_seo.clients
where industry = :industry
order by company_name, id
limit :lim;

-- name: delete_client(id)!
-- Delete a client and its campaigns; refused while a campaign has tasks (the audit trail).
delete from ai_seo.clients
where id = :id;
