-- 0183 only checked the data: there is nothing to undo.
select 1;
