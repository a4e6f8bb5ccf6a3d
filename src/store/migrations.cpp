#include "store/migrations.h"

#include <cstdint>
#include <string>
#include <vector>

namespace sanfang::store {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append only: a shipped migration is never edited, a change is a new entry.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations{
      {1, R"sql(
CREATE TABLE colleges (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE students (
  student_no      TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  id_number       TEXT NOT NULL,
  gender          TEXT NOT NULL,
  college_code    TEXT NOT NULL REFERENCES colleges(code),
  major           TEXT NOT NULL,
  degree          TEXT NOT NULL,
  graduation_year INTEGER NOT NULL
);

CREATE TABLE employers (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL,
  uscc    TEXT NOT NULL UNIQUE,
  profile TEXT NOT NULL,
  vetted  INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL
);

CREATE TABLE source_infos (
  student_no    TEXT PRIMARY KEY REFERENCES students(student_no),
  sections      TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('draft','submitted','verified','rejected')),
  reject_reason TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  version       INTEGER NOT NULL
);

CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  size       INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE agreements (
  id              INTEGER PRIMARY KEY,
  origin          TEXT NOT NULL CHECK (origin IN ('invitation','student_initiated')),
  state           TEXT NOT NULL,
  student_no      TEXT NOT NULL REFERENCES students(student_no),
  employer_id     INTEGER NOT NULL REFERENCES employers(id),
  college_code    TEXT NOT NULL,
  graduation_year INTEGER NOT NULL,
  content         TEXT NOT NULL,
  snapshot        TEXT,
  serial          TEXT UNIQUE,
  review_chain    TEXT NOT NULL,
  review_step     INTEGER NOT NULL,
  last_reason     TEXT NOT NULL,
  sent_at         INTEGER,
  signed_at       INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  version         INTEGER NOT NULL,
  -- issue 3: no agreement is signed without a serial or holds a serial without being signed.
  CHECK ((serial IS NOT NULL) = (state IN ('signed','termination_requested','terminated')))
);
CREATE INDEX agreements_by_state ON agreements(state);
CREATE INDEX agreements_by_student ON agreements(student_no);
-- SPEC: at most one live agreement per student.
CREATE UNIQUE INDEX agreements_one_live_per_student ON agreements(student_no)
  WHERE state IN ('accepted','in_review','signed','termination_requested');
-- SPEC: no second invitation from an employer while one of its invitations to the student is open.
CREATE UNIQUE INDEX agreements_one_open_invitation ON agreements(employer_id, student_no)
  WHERE origin = 'invitation' AND state IN
    ('invited','returned','rejected','accepted','in_review','signed','termination_requested');
-- SPEC: a signed agreement never changes (state moves on; content, snapshot, serial do not).
CREATE TRIGGER agreements_signed_never_change BEFORE UPDATE ON agreements
  WHEN OLD.serial IS NOT NULL AND (
    NEW.serial IS NOT OLD.serial OR NEW.content IS NOT OLD.content OR
    NEW.snapshot IS NOT OLD.snapshot OR NEW.student_no IS NOT OLD.student_no OR
    NEW.employer_id IS NOT OLD.employer_id OR NEW.signed_at IS NOT OLD.signed_at)
BEGIN
  SELECT RAISE(ABORT, 'a signed agreement never changes');
END;

CREATE TABLE agreement_attachments (
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  position     INTEGER NOT NULL,
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  purpose      TEXT NOT NULL,
  PRIMARY KEY (agreement_id, position)
);

CREATE TABLE terminations (
  id            INTEGER PRIMARY KEY,
  agreement_id  INTEGER NOT NULL REFERENCES agreements(id),
  student_no    TEXT NOT NULL REFERENCES students(student_no),
  explanation   TEXT NOT NULL,
  state         TEXT NOT NULL CHECK (state IN ('pending','approved','rejected')),
  review_chain  TEXT NOT NULL,
  review_step   INTEGER NOT NULL,
  reject_reason TEXT NOT NULL,
  requested_at  INTEGER NOT NULL,
  decided_at    INTEGER
);
-- SPEC: one termination per student, ever (a rejected request did not terminate anything).
CREATE UNIQUE INDEX terminations_one_per_student ON terminations(student_no)
  WHERE state IN ('pending','approved');

CREATE TABLE termination_material (
  termination_id INTEGER NOT NULL REFERENCES terminations(id),
  position       INTEGER NOT NULL,
  sha256         TEXT NOT NULL REFERENCES blobs(sha256),
  purpose        TEXT NOT NULL,
  PRIMARY KEY (termination_id, position)
);

-- SPEC "Serial numbers": per school code and graduation year; only ever counts up.
CREATE TABLE serial_counters (
  school_code     TEXT NOT NULL,
  graduation_year INTEGER NOT NULL,
  last_sequence   INTEGER NOT NULL,
  PRIMARY KEY (school_code, graduation_year)
);

-- SPEC: append-only, hash-chained: hash = sha256(prev_hash || canonical event).
CREATE TABLE audit_log (
  id               INTEGER PRIMARY KEY,
  entity           TEXT NOT NULL,
  entity_id        TEXT NOT NULL,
  action           TEXT NOT NULL,
  actor_account_id INTEGER NOT NULL,
  actor_role       TEXT NOT NULL,
  at               INTEGER NOT NULL,
  from_state       TEXT NOT NULL,
  to_state         TEXT NOT NULL,
  reason           TEXT NOT NULL,
  prev_hash        TEXT NOT NULL,
  hash             TEXT NOT NULL
);
CREATE INDEX audit_log_by_entity ON audit_log(entity, entity_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE accounts (
  id                   INTEGER PRIMARY KEY,
  username             TEXT NOT NULL UNIQUE,
  password_hash        TEXT NOT NULL,
  role                 TEXT NOT NULL,
  student_no           TEXT REFERENCES students(student_no),
  employer_id          INTEGER REFERENCES employers(id),
  college_code         TEXT,
  must_change_password INTEGER NOT NULL,
  created_at           INTEGER NOT NULL
);

CREATE TABLE login_failures (
  username     TEXT PRIMARY KEY,
  failures     INTEGER NOT NULL,
  locked_until INTEGER
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_account ON sessions(account_id);
)sql"},
      // accounts area: captchas, API keys of service accounts, WeChat binding.
      {2, R"sql(
CREATE TABLE captchas (
  id            TEXT PRIMARY KEY,
  answer_digest TEXT NOT NULL,
  expires_at    INTEGER NOT NULL
);

CREATE TABLE api_keys (
  key_hash   TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX api_keys_by_account ON api_keys(account_id);

CREATE TABLE wechat_binding_tokens (
  token_hash TEXT PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);

CREATE TABLE wechat_nonces (
  nonce   TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);

-- One WeChat user is bound to at most one account, and one account to at most one WeChat user.
CREATE TABLE wechat_bindings (
  account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
  openid     TEXT NOT NULL UNIQUE,
  bound_at   INTEGER NOT NULL
);
)sql"},
      // Workflow over HTTP: uploads get ids so that a termination request can name its material.
      {3, R"sql(
CREATE TABLE agreement_uploads (
  id           INTEGER PRIMARY KEY,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  account_id   INTEGER NOT NULL,
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  purpose      TEXT NOT NULL,
  uploaded_at  INTEGER NOT NULL
);
CREATE INDEX agreement_uploads_by_agreement ON agreement_uploads(agreement_id, id);
CREATE INDEX agreements_by_employer ON agreements(employer_id);
CREATE INDEX agreements_by_college ON agreements(college_code, state);
)sql"},
      // documents area: the signed PDF of each agreement, and the log of verification scans.
      {4, R"sql(
-- SPEC "The document": rendered once at signing and never changed afterwards.
CREATE TABLE signed_documents (
  agreement_id INTEGER PRIMARY KEY REFERENCES agreements(id),
  serial       TEXT NOT NULL UNIQUE,
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  content_hash TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE TRIGGER signed_documents_never_change BEFORE UPDATE ON signed_documents
BEGIN
  SELECT RAISE(ABORT, 'a signed document never changes');
END;

CREATE TABLE verifications (
  id             INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  token          TEXT NOT NULL,
  serial         TEXT,
  answer         TEXT NOT NULL CHECK (answer IN ('valid','terminated','invalid')),
  client_address TEXT NOT NULL
);
CREATE INDEX verifications_by_serial ON verifications(serial, id);
)sql"},
      // print room: batch jobs, their frozen lists and the per-copy print records.
      {5, R"sql(
CREATE TABLE print_jobs (
  id              INTEGER PRIMARY KEY,
  request         TEXT NOT NULL,
  origin          TEXT NOT NULL CHECK (origin IN ('service','cli')),
  state           TEXT NOT NULL CHECK (state IN ('queued','running','done','failed','cancelled')),
  total           INTEGER NOT NULL,
  done            INTEGER NOT NULL DEFAULT 0,
  pages           INTEGER NOT NULL DEFAULT 0,
  created_by      INTEGER REFERENCES accounts(id),
  created_by_name TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  started_at      INTEGER,
  finished_at     INTEGER,
  file_size       INTEGER NOT NULL DEFAULT 0,
  sha256          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX print_jobs_unfinished ON print_jobs(origin, id) WHERE state IN ('queued','running');
-- A finished job never changes again (its file and records are what was printed).
CREATE TRIGGER print_jobs_finished_never_change BEFORE UPDATE ON print_jobs
  WHEN OLD.state IN ('done','failed','cancelled')
BEGIN
  SELECT RAISE(ABORT, 'a finished print job never changes');
END;

-- The job's list, frozen when it was created: a restarted job prints exactly the same.
CREATE TABLE print_job_items (
  job_id       INTEGER NOT NULL REFERENCES print_jobs(id),
  position     INTEGER NOT NULL,
  agreement_id INTEGER NOT NULL REFERENCES agreements(id),
  serial       TEXT NOT NULL,
  college_code TEXT NOT NULL,
  major        TEXT NOT NULL,
  student_no   TEXT NOT NULL,
  reprints     TEXT NOT NULL,
  PRIMARY KEY (job_id, position)
) WITHOUT ROWID;

CREATE TABLE print_job_errors (
  job_id   INTEGER NOT NULL REFERENCES print_jobs(id),
  position INTEGER NOT NULL,
  serial   TEXT NOT NULL,
  message  TEXT NOT NULL,
  PRIMARY KEY (job_id, position)
) WITHOUT ROWID;

CREATE TABLE print_records (
  id              INTEGER PRIMARY KEY,
  agreement_id    INTEGER NOT NULL REFERENCES agreements(id),
  copy            INTEGER NOT NULL,
  ordinal         INTEGER NOT NULL,
  job_id          INTEGER NOT NULL REFERENCES print_jobs(id),
  printed_by      INTEGER REFERENCES accounts(id),
  printed_by_name TEXT NOT NULL,
  printed_at      INTEGER NOT NULL,
  voided_at       INTEGER
);
CREATE INDEX print_records_by_agreement ON print_records(agreement_id, copy);
CREATE INDEX print_records_by_job ON print_records(job_id, agreement_id);
)sql"},
      // print room: failures end. A job is run under a lease (owner "host:pid", renewed while it
      // runs) that a later runner may take over once it expired; failed runs are counted and
      // retried after retry_at; the positions being drawn are recorded so that a runner that dies
      // there leaves a crash mark on those agreements.
      {6, R"sql(
ALTER TABLE print_jobs ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE print_jobs ADD COLUMN retry_at INTEGER;
ALTER TABLE print_jobs ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE print_jobs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE print_jobs ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE print_jobs ADD COLUMN drawing_from INTEGER;
ALTER TABLE print_jobs ADD COLUMN drawing_to INTEGER;

CREATE TABLE print_job_crashes (
  job_id   INTEGER NOT NULL REFERENCES print_jobs(id),
  position INTEGER NOT NULL,
  crashes  INTEGER NOT NULL,
  PRIMARY KEY (job_id, position)
) WITHOUT ROWID;
)sql"},
      // periodic work run once per installation (store/periodic_store.h): when each last ran.
      {7, R"sql(
CREATE TABLE periodic_runs (
  name        TEXT PRIMARY KEY,
  last_run_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
      // The school's settings kept with the data: the public address printed in QR codes
      // (workflow/public_address.h), the same for every process that makes documents.
      {8, R"sql(
CREATE TABLE school_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
      // Accounts an administrator can stop (workflow/account_rules.h), and named API keys with an
      // id of their own, so that one key of several is revoked when a key is rotated.
      {9, R"sql(
ALTER TABLE accounts ADD COLUMN disabled_at INTEGER;

CREATE TABLE api_keys_named (
  id         INTEGER PRIMARY KEY,
  key_hash   TEXT NOT NULL UNIQUE,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
INSERT INTO api_keys_named(key_hash, account_id, name, created_at, revoked_at)
  SELECT key_hash, account_id, '', created_at, revoked_at FROM api_keys ORDER BY created_at, rowid;
DROP TABLE api_keys;
ALTER TABLE api_keys_named RENAME TO api_keys;
CREATE INDEX api_keys_by_account ON api_keys(account_id);
)sql"},
      // The portal's webhook endpoints and the outbox of their deliveries (store/webhook_store.h):
      // a delivery row is written with the audit event it announces, in the same transaction.
      {10, R"sql(
CREATE TABLE webhook_endpoints (
  id          INTEGER PRIMARY KEY,
  url         TEXT NOT NULL,
  events      TEXT NOT NULL,
  description TEXT NOT NULL,
  secret      TEXT NOT NULL,
  created_by  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  removed_at  INTEGER
);

CREATE TABLE webhook_deliveries (
  id               INTEGER PRIMARY KEY,
  endpoint_id      INTEGER NOT NULL REFERENCES webhook_endpoints(id),
  audit_id         INTEGER NOT NULL REFERENCES audit_log(id),
  event_type       TEXT NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('pending','delivered','failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,
  last_attempt_at  INTEGER,
  last_status_code INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT NOT NULL DEFAULT '',
  delivered_at     INTEGER,
  created_at       INTEGER NOT NULL,
  UNIQUE (endpoint_id, audit_id),
  CHECK ((next_attempt_at IS NOT NULL) = (state = 'pending'))
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries(endpoint_id, id);
)sql"},
      // Print jobs in parts (workflow::plan_print_parts): the plan fixed when a job is created, and
      // each part's file when it is done. A job made before holds one part of everything.
      {11, R"sql(
CREATE TABLE print_job_parts (
  job_id         INTEGER NOT NULL REFERENCES print_jobs(id),
  n              INTEGER NOT NULL,
  college_code   TEXT NOT NULL,
  first_position INTEGER NOT NULL,
  agreements     INTEGER NOT NULL,
  pages          INTEGER NOT NULL DEFAULT 0,
  file_size      INTEGER NOT NULL DEFAULT 0,
  sha256         TEXT NOT NULL DEFAULT '',
  finished_at    INTEGER,
  PRIMARY KEY (job_id, n)
) WITHOUT ROWID;
INSERT INTO print_job_parts(job_id, n, college_code, first_position, agreements, pages, file_size, sha256, finished_at)
  SELECT id, 1, '', 0, total, pages, file_size, sha256, CASE WHEN state = 'done' THEN finished_at END FROM print_jobs;
)sql"},
      // Parts drawn side by side by several runners (workflow::PrintJobPart): who draws a part under
      // a lease until when, how much of it is drawn (the job's progress is their sum), and the
      // positions being drawn, for crash marks — per part now, so the job's single range goes.
      {12, R"sql(
ALTER TABLE print_job_parts ADD COLUMN drawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE print_job_parts ADD COLUMN runner TEXT NOT NULL DEFAULT '';
ALTER TABLE print_job_parts ADD COLUMN runner_expires_at INTEGER;
ALTER TABLE print_job_parts ADD COLUMN drawing_from INTEGER;
ALTER TABLE print_job_parts ADD COLUMN drawing_to INTEGER;
UPDATE print_job_parts SET drawn = agreements WHERE finished_at IS NOT NULL;
ALTER TABLE print_jobs DROP COLUMN drawing_from;
ALTER TABLE print_jobs DROP COLUMN drawing_to;
)sql"},
      // Lookups that scanned whole tables: a college's students (staff lists, statistics) and an
      // account's audit entries (the audit log by actor, the employer registration limit).
      {13, R"sql(
CREATE INDEX students_by_college ON students(college_code, student_no);
CREATE INDEX audit_log_by_actor ON audit_log(actor_account_id, id);
)sql"},
  };
  return kMigrations;
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

Status migrate(sqlite::Database& db) {
  auto transaction = TRY(sqlite::WriteTransaction::begin(db));
  TRY(db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))"));
  // The statement is finished before any migration runs: SQLite refuses DROP TABLE while a
  // statement of the connection is still active ("database table is locked").
  const std::int64_t current = TRY([&]() -> Result<std::int64_t> {
    auto current_query = TRY(db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    TRY(current_query.step());
    return current_query.int64(0);
  }());
  if (current > latest_schema_version())
    return Error::make(ErrorKind::Storage, "database schema version " + std::to_string(current) +
                                               " is newer than this build knows (" +
                                               std::to_string(latest_schema_version()) + ")");
  for (const Migration& migration : migrations()) {
    if (migration.version <= current) continue;
    TRY(db.exec(migration.sql));
    auto record = TRY(db.prepare("INSERT INTO schema_migrations(version) VALUES (?)"));
    TRY(record.bind(1, migration.version).run());
  }
  return transaction.commit();
}

}  // namespace sanfang::store
