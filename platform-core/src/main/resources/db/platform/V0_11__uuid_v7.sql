-- Time-ordered ids (RFC 9562 UUID version 7): 48 bits of Unix time in milliseconds, then the version, the variant and
-- random bits. Rows inserted together get neighbouring ids, so the primary key and every index on an id column are
-- appended to at their right edge instead of being written all over (random version 4 ids touch a different index page
-- per row, and after each checkpoint every such page costs a full-page image in the WAL). PostgreSQL 18 has uuidv7();
-- until then this builds one from a version 4 id: its first six bytes replaced by the time, its version nibble 4 -> 7.
CREATE FUNCTION clp_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                  PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
                  52, 1), 53, 1), 'hex')::uuid
$$;
