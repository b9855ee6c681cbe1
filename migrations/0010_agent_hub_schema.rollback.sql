drop schema agent_hub cascade;
