-- Event store schema. Idempotent: every statement may run again on an existing schema.
CREATE SCHEMA IF NOT EXISTS es;

CREATE TABLE IF NOT EXISTS es.streams (
  stream_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream_name     text     NOT NULL UNIQUE,
  revision        bigint   NOT NULL DEFAULT -1,
  last_tx         xid8,
  truncate_before bigint   NOT NULL DEFAULT 0,
  max_count       bigint,
  max_age         interval,
  state           smallint NOT NULL DEFAULT 0,
  metadata        jsonb,
  updated_at      timestamptz NOT NULL DEFAULT now()
) WITH (fillfactor = 80);

CREATE SEQUENCE IF NOT EXISTS es.global_position_seq AS bigint;

-- No foreign key to es.streams: only the functions below write here, and they hold the stream row.
CREATE TABLE IF NOT EXISTS es.events (
  global_position bigint NOT NULL DEFAULT nextval('es.global_position_seq') PRIMARY KEY,
  transaction_id  xid8   NOT NULL,
  stream_id       bigint NOT NULL,
  stream_revision bigint NOT NULL,
  event_id        uuid   NOT NULL,
  event_type      text   NOT NULL,
  created         timestamptz NOT NULL DEFAULT now(),
  data            jsonb  NOT NULL,
  metadata        jsonb,
  CONSTRAINT uq_events_stream_revision UNIQUE (stream_id, stream_revision),
  CONSTRAINT uq_events_stream_event_id UNIQUE (stream_id, event_id)
);
ALTER SEQUENCE es.global_position_seq OWNED BY es.events.global_position;
CREATE INDEX IF NOT EXISTS ix_events_all ON es.events (transaction_id, global_position);

CREATE TABLE IF NOT EXISTS es.checkpoints (
  subscription_id  text   NOT NULL,
  partition        int    NOT NULL DEFAULT 0,
  commit_position  xid8   NOT NULL DEFAULT '0',
  prepare_position bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription_id, partition)
);

-- Second line of the append-only rule (the first is privileges): even the owner cannot rewrite history by accident.
CREATE OR REPLACE FUNCTION es.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'es.events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON es.events
  FOR EACH STATEMENT EXECUTE FUNCTION es.refuse_history_change();
CREATE OR REPLACE TRIGGER events_no_truncate BEFORE TRUNCATE ON es.events
  FOR EACH STATEMENT EXECUTE FUNCTION es.refuse_history_change();

-- Status codes shared by the functions: 0 ok, 1 idempotent repeat, 2 wrong expected version, 3 stream deleted,
-- 4 idempotency mismatch. Expected: -2 any, -1 no stream, -4 stream exists, >= 0 exact revision.
CREATE OR REPLACE FUNCTION es.expected_ok(p_expected bigint, p_revision bigint, p_state smallint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE p_expected
    WHEN -2 THEN true
    WHEN -1 THEN p_revision = -1 OR p_state = 1
    WHEN -4 THEN p_revision >= 0 AND p_state = 0
    ELSE p_revision = p_expected END
$$;

-- One call = one round trip. The fast path is one UPDATE that locks the stream row and checks the state, the
-- expected revision and the ordering guard at once, then one INSERT. Event-id idempotency costs nothing there: a
-- repeated id hits uq_events_stream_event_id (the statement rolls back) and the client calls again with
-- p_check_ids, taking the slow path, which also explains every refusal (missing stream, deleted, wrong revision).
CREATE OR REPLACE FUNCTION es.append_to_stream(
  p_stream text, p_expected bigint, p_ids uuid[], p_types text[], p_data jsonb[], p_meta jsonb[],
  p_check_ids boolean DEFAULT false,
  OUT status int, OUT next_revision bigint, OUT commit_position xid8, OUT last_position bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  -- Taken before waiting for the stream lock: the ordering guard compares it with the last writer's.
  v_tx xid8 := pg_current_xact_id();
  v_n int := cardinality(p_ids);
  v_id bigint; v_rev bigint;
  v_s es.streams%ROWTYPE;
  v_found int; v_offset_min bigint; v_offset_max bigint;
BEGIN
  IF NOT p_check_ids THEN
    UPDATE es.streams
       SET revision = revision + v_n, last_tx = v_tx, state = 0,
           truncate_before = CASE WHEN state = 1 THEN revision + 1 ELSE truncate_before END
     WHERE stream_name = p_stream AND state <> 2 AND (last_tx IS NULL OR last_tx <= v_tx)
       AND es.expected_ok(p_expected, revision, state)
    RETURNING stream_id, revision INTO v_id, v_rev;
  END IF;

  IF v_id IS NULL THEN
    SELECT * INTO v_s FROM es.streams WHERE stream_name = p_stream FOR UPDATE;
    IF NOT FOUND THEN
      IF p_expected >= 0 OR p_expected = -4 THEN
        status := 2; next_revision := -1; RETURN;
      END IF;
      INSERT INTO es.streams (stream_name) VALUES (p_stream) ON CONFLICT (stream_name) DO NOTHING RETURNING * INTO v_s;
      IF NOT FOUND THEN
        SELECT * INTO v_s FROM es.streams WHERE stream_name = p_stream FOR UPDATE;
      END IF;
    END IF;
    IF v_s.state = 2 THEN
      status := 3; next_revision := v_s.revision; RETURN;
    END IF;

    IF v_s.revision >= 0 AND (p_check_ids OR NOT es.expected_ok(p_expected, v_s.revision, v_s.state)) THEN
      SELECT count(*), min(e.stream_revision - i.ord), max(e.stream_revision - i.ord)
        INTO v_found, v_offset_min, v_offset_max
        FROM unnest(p_ids) WITH ORDINALITY AS i(id, ord)
        JOIN es.events e ON e.stream_id = v_s.stream_id AND e.event_id = i.id;
      IF v_found > 0 THEN
        IF v_found < v_n OR v_offset_min <> v_offset_max THEN
          status := 4; next_revision := v_s.revision; RETURN;
        END IF;
        -- A repeat must sit where the expected revision says (its first revision is v_offset_min + 1).
        IF (p_expected >= 0 AND v_offset_min <> p_expected) OR (p_expected = -1 AND v_offset_min <> -1) THEN
          status := 2; next_revision := v_s.revision; RETURN;
        END IF;
        SELECT 1, e.stream_revision, e.transaction_id, e.global_position
          INTO status, next_revision, commit_position, last_position
          FROM es.events e WHERE e.stream_id = v_s.stream_id AND e.stream_revision = v_offset_min + v_n;
        RETURN;
      END IF;
    END IF;

    IF NOT es.expected_ok(p_expected, v_s.revision, v_s.state) THEN
      status := 2; next_revision := v_s.revision; RETURN;
    END IF;
    IF v_s.last_tx > v_tx THEN
      RAISE EXCEPTION 'stream % was appended by a later transaction; retry', p_stream USING ERRCODE = '40001';
    END IF;
    UPDATE es.streams
       SET revision = revision + v_n, last_tx = v_tx, state = 0,
           truncate_before = CASE WHEN state = 1 THEN revision + 1 ELSE truncate_before END
     WHERE stream_id = v_s.stream_id
    RETURNING stream_id, revision INTO v_id, v_rev;
  END IF;

  -- unnest WITH ORDINALITY feeds the rows in order, so global positions follow revisions within the append.
  INSERT INTO es.events (transaction_id, stream_id, stream_revision, event_id, event_type, data, metadata)
  SELECT v_tx, v_id, v_rev - v_n + i.ord, i.id, i.t, i.d, i.m
    FROM unnest(p_ids, p_types, p_data, p_meta) WITH ORDINALITY AS i(id, t, d, m, ord);
  status := 0; next_revision := v_rev; commit_position := v_tx;
  last_position := currval('es.global_position_seq');
END $$;

CREATE OR REPLACE FUNCTION es.delete_stream(p_stream text, p_expected bigint, p_hard boolean,
  OUT status int, OUT actual_revision bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v_tx xid8 := pg_current_xact_id();
  v_s es.streams%ROWTYPE;
BEGIN
  SELECT * INTO v_s FROM es.streams WHERE stream_name = p_stream FOR UPDATE;
  IF NOT FOUND THEN
    IF p_expected >= 0 OR p_expected = -4 THEN
      status := 2; actual_revision := -1; RETURN;
    END IF;
    IF NOT p_hard THEN
      status := 0; actual_revision := -1; RETURN;
    END IF;
    INSERT INTO es.streams (stream_name) VALUES (p_stream) ON CONFLICT (stream_name) DO NOTHING;
    SELECT * INTO v_s FROM es.streams WHERE stream_name = p_stream FOR UPDATE;
  END IF;
  actual_revision := v_s.revision;
  IF v_s.state = 2 THEN status := 3; RETURN; END IF;
  IF NOT es.expected_ok(p_expected, v_s.revision, v_s.state) THEN status := 2; RETURN; END IF;
  IF p_hard THEN
    IF v_s.last_tx > v_tx THEN
      RAISE EXCEPTION 'stream % was appended by a later transaction; retry', p_stream USING ERRCODE = '40001';
    END IF;
    -- Like EventStoreDB, the tombstone is an event at the maximum revision, visible in $all.
    INSERT INTO es.events (transaction_id, stream_id, stream_revision, event_id, event_type, data)
    VALUES (v_tx, v_s.stream_id, 9223372036854775807, gen_random_uuid(), '$streamDeleted', '{}');
  END IF;
  UPDATE es.streams SET state = CASE WHEN p_hard THEN 2 ELSE 1 END, last_tx = v_tx, updated_at = now()
   WHERE stream_id = v_s.stream_id;
  status := 0;
END $$;

CREATE OR REPLACE FUNCTION es.set_stream_metadata(p_stream text, p_max_count bigint, p_max_age interval,
  p_truncate_before bigint, p_metadata jsonb) RETURNS int
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO es.streams AS s (stream_name, max_count, max_age, truncate_before, metadata)
  VALUES (p_stream, p_max_count, p_max_age, coalesce(p_truncate_before, 0), p_metadata)
  ON CONFLICT (stream_name) DO UPDATE
     SET max_count = excluded.max_count, max_age = excluded.max_age, truncate_before = excluded.truncate_before,
         metadata = excluded.metadata, updated_at = now()
   WHERE s.state <> 2;
  RETURN CASE WHEN FOUND THEN 0 ELSE 3 END;
END $$;
