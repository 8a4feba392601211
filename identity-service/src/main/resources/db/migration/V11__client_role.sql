-- The client role (a client's own people, limited to the clients granted to them) and grants on clients
-- (campaign-service's entity; docs/clients.md, "Client access"). Adding enum labels rewrites nothing.
ALTER TYPE user_role ADD VALUE IF NOT EXISTS 'client';
ALTER TYPE entity_type ADD VALUE IF NOT EXISTS 'client';
