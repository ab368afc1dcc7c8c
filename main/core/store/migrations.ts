/**
 * Forward-only schema migrations. Append a new entry for every change; never edit a shipped one,
 * because databases in the field already ran it. The array index + 1 is the schema version.
 */
export interface Migration {
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'initial',
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        transport TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );

      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );

      CREATE TABLE project_members (
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        PRIMARY KEY (project_id, user_id)
      );

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        allowed_models TEXT NOT NULL,
        monthly_token_budget INTEGER,
        expires_at TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at TEXT,
        UNIQUE (project_id, name)
      );

      CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );

      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        steps TEXT NOT NULL DEFAULT '[]',
        checkpoint TEXT,
        result TEXT,
        error TEXT,
        owner TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_by_status ON jobs(status);

      CREATE TABLE job_logs (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      );

      CREATE TABLE vault_keys (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        public_key_pem TEXT NOT NULL,
        private_key_sealed BLOB NOT NULL,
        kdf_salt BLOB NOT NULL,
        created_at TEXT NOT NULL,
        rotated_at TEXT
      );

      CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        wrapped_key BLOB NOT NULL,
        sealed BLOB NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (kind, name)
      );
    `,
  },
  {
    name: 'optimizer-runs',
    sql: `
      CREATE TABLE optimizer_runs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        model TEXT NOT NULL,
        request TEXT NOT NULL,
        result TEXT NOT NULL,
        recommended TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX optimizer_runs_by_time ON optimizer_runs(created_at);
    `,
  },
  {
    name: 'clusters',
    sql: `
      CREATE TABLE clusters (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        source TEXT NOT NULL,
        context TEXT NOT NULL,
        server TEXT NOT NULL,
        ca_fingerprint TEXT,
        auth_kind TEXT NOT NULL,
        kubeconfig_secret_id TEXT NOT NULL,
        gateway_namespace TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        checked_at TEXT,
        inventory TEXT,
        inventory_at TEXT,
        check_error TEXT
      );

      CREATE TABLE cluster_gateway (
        cluster_id TEXT PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
        state TEXT NOT NULL,
        config_hash TEXT,
        applied_at TEXT,
        attempted_at TEXT NOT NULL,
        installed_at TEXT,
        error TEXT,
        drift TEXT,
        drift_checked_at TEXT
      );
    `,
  },
  {
    name: 'guardrail-profiles',
    sql: `
      CREATE TABLE guardrail_profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        description TEXT NOT NULL DEFAULT '',
        policy TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );

      -- One profile per project at most; a profile in use cannot be deleted (RESTRICT backs the service's check).
      CREATE TABLE project_guardrails (
        project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
        profile_id TEXT NOT NULL REFERENCES guardrail_profiles(id) ON DELETE RESTRICT,
        assigned_at TEXT NOT NULL,
        assigned_by TEXT NOT NULL
      );
      CREATE INDEX project_guardrails_by_profile ON project_guardrails(profile_id);
    `,
  },
  {
    name: 'endpoints',
    sql: `
      -- Cloud APIs and private OpenAI-compatible servers the gateway routes to, under \`name\`.
      -- The API key lives in the vault (key_secret_id); key_revision names the Secret file a
      -- gateway reads it from, so a replaced key changes the config and every gateway reloads.
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL,
        base_url TEXT NOT NULL,
        upstream_model TEXT NOT NULL,
        api_version TEXT,
        key_secret_id TEXT,
        key_revision INTEGER NOT NULL DEFAULT 0,
        key_updated_at TEXT,
        all_projects INTEGER NOT NULL DEFAULT 1,
        fallback_id TEXT REFERENCES endpoints(id) ON DELETE RESTRICT,
        last_test TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE INDEX endpoints_by_fallback ON endpoints(fallback_id);

      -- Which projects may use an endpoint whose all_projects is 0.
      CREATE TABLE endpoint_projects (
        endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        PRIMARY KEY (endpoint_id, project_id)
      );
      CREATE INDEX endpoint_projects_by_project ON endpoint_projects(project_id);
    `,
  },
  {
    name: 'endpoint-ca-bundle',
    sql: `
      -- PEM CA bundle for an endpoint behind a private certificate authority (checked on the way in:
      -- CA certificates only, no keys). Not secret, but never logged; null: the system roots.
      ALTER TABLE endpoints ADD COLUMN ca_bundle TEXT;
    `,
  },
  {
    name: 'gateway-limits',
    sql: `
      -- Rate limits and budgets the gateway enforces (token buckets per minute, a monthly token
      -- budget), per project, per API key and per endpoint (a gateway model). NULL: no limit.
      -- log_bodies: the gateway's access log carries this project's bodies (secrets redacted).
      ALTER TABLE projects ADD COLUMN requests_per_minute INTEGER;
      ALTER TABLE projects ADD COLUMN tokens_per_minute INTEGER;
      ALTER TABLE projects ADD COLUMN monthly_token_budget INTEGER;
      ALTER TABLE projects ADD COLUMN log_bodies INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER;
      ALTER TABLE api_keys ADD COLUMN tokens_per_minute INTEGER;
      ALTER TABLE endpoints ADD COLUMN requests_per_minute INTEGER;
      ALTER TABLE endpoints ADD COLUMN tokens_per_minute INTEGER;
    `,
  },
  {
    name: 'gateway-jwt',
    sql: `
      -- The one JWT issuer every cluster's gateway trusts ([auth.jwt]). At most one row; a disabled
      -- issuer keeps its row so secret_revision only ever grows: the HS256 secret's file in the
      -- gateway Secret is named by it, and a new name is what makes every gateway reload.
      CREATE TABLE gateway_jwt (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL,
        issuer TEXT NOT NULL,
        audience TEXT NOT NULL,
        algorithms TEXT NOT NULL,
        key_source TEXT NOT NULL CHECK (key_source IN ('jwks', 'public_key', 'hs256')),
        jwks_url TEXT,
        public_key_pem TEXT,
        secret_id TEXT,
        secret_revision INTEGER NOT NULL DEFAULT 0,
        secret_updated_at TEXT,
        project_claim TEXT NOT NULL,
        models_claim TEXT NOT NULL,
        clock_tolerance_s INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );
    `,
  },
  {
    name: 'cluster-limits-store',
    sql: `
      -- Each cluster's store for its gateway's limits: a Redis URL (it may carry a password, so it
      -- lives sealed in the vault; the row names the vault secret). No row, or secret_id NULL: limits
      -- are counted in each replica's memory. A cleared store keeps its row so revision only grows:
      -- the URL's file in the gateway Secret is named by it, and a new name makes gateways reload.
      CREATE TABLE cluster_limits_store (
        cluster_id TEXT PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
        secret_id TEXT,
        revision INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      );
    `,
  },
  {
    name: 'gateway-jwt-jwks-ca',
    sql: `
      -- The JWKS key source's CA bundle (PEM, certificate blocks only; NULL: the system roots) for an
      -- identity provider behind a private CA, and how long gateways use fetched keys (the gateway's
      -- own default, 10 minutes, for rows written before).
      ALTER TABLE gateway_jwt ADD COLUMN jwks_ca_bundle TEXT;
      ALTER TABLE gateway_jwt ADD COLUMN jwks_cache_ms INTEGER NOT NULL DEFAULT 600000;
    `,
  },
  {
    name: 'optimizer-measurements',
    sql: `
      -- What a deployed plan measured, with the prediction for that plan at the measured load as it was made
      -- then (body: JSON of plan label, measured, predicted, signed errors, warnings).
      CREATE TABLE optimizer_measurements (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES optimizer_runs(id) ON DELETE CASCADE,
        plan_index INTEGER NOT NULL,
        body TEXT NOT NULL,
        note TEXT,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX optimizer_measurements_by_run ON optimizer_measurements(run_id, created_at);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;
