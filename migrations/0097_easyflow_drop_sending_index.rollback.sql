create index ix_outbound_messages_claimed_at_sending on easyflow.outbound_messages (claimed_at)
    where status = 'sending';
