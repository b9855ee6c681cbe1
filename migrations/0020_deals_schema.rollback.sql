drop schema deals cascade;
