-- Nothing to undo: 0214's rollback drops the columns this filled.
select 1;
