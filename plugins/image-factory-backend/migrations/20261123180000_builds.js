/*
 * Image Factory: the build ledger and queue. A run is queued, claimed by one
 * backend with a lease (renewed while it builds), and finished; an expired
 * lease means the backend that held it stopped, and the run is queued again
 * or failed as interrupted. Per-platform results and the log live beside it.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('build_runs', table => {
    table.comment('Build runs: the queue and the ledger');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table.string('image_name', 63).notNullable();
    table.string('entity_ref', 255).notNullable();
    table
      .string('cause', 16)
      .notNullable()
      .comment('manual, enrollment, base-change, emergency or scheduled');
    table.text('cause_detail').nullable();
    table
      .string('requested_by', 255)
      .nullable()
      .comment('Entity ref of the user who asked');
    table
      .string('status', 16)
      .notNullable()
      .comment('queued, running, succeeded, failed, cancelled or skipped');
    table.text('reason').nullable().comment('Why it failed, skipped or ended');
    table.string('error_type', 32).nullable();
    table
      .boolean('force')
      .notNullable()
      .defaultTo(false)
      .comment('Build even when the inputs did not change');
    table.text('inputs').notNullable().comment('BuildInputs as JSON');
    table
      .string('inputs_hash', 71)
      .nullable()
      .comment('sha256 of the canonical inputs, for skipping unchanged runs');
    table.string('reference', 1024).nullable().comment('The tag pushed');
    table.string('index_digest', 71).nullable();
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('How many times the queue started it');
    table.string('lease_owner', 64).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.boolean('cancel_requested').notNullable().defaultTo(false);
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['image_name', 'created_at'], 'build_runs_image_created_idx');
    table.index(['status', 'created_at'], 'build_runs_status_created_idx');
  });
  // At most one queued or running run per image: enqueueing is an insert that
  // this index refuses when one exists, on SQLite and Postgres alike.
  await knex.raw(
    `CREATE UNIQUE INDEX build_runs_active_image_idx ON build_runs (image_name) WHERE status IN ('queued', 'running')`,
  );

  await knex.schema.createTable('build_platforms', table => {
    table.comment('One platform of a build run');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('build_runs')
      .onDelete('CASCADE');
    table.string('platform', 32).notNullable().comment('os/arch[/variant]');
    table.string('status', 16).notNullable();
    table.string('executor', 64).nullable().comment('Executor provider id');
    table.boolean('emulated').nullable();
    table.string('digest', 71).nullable().comment('Pushed manifest digest');
    table.integer('build_duration_ms').nullable();
    table.integer('push_duration_ms').nullable();
    table.text('error').nullable();
    table.primary(['run_id', 'platform']);
  });

  await knex.schema.createTable('build_logs', table => {
    table.comment('Log lines of build runs');
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('build_runs')
      .onDelete('CASCADE');
    table.integer('seq').notNullable().comment('From 1, per run');
    table.string('platform', 32).nullable();
    table.string('stream', 8).notNullable().comment('build, push or system');
    table.timestamp('time', { useTz: true }).notNullable();
    table.text('text').notNullable();
    table.primary(['run_id', 'seq']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('build_logs');
  await knex.schema.dropTable('build_platforms');
  await knex.schema.dropTable('build_runs');
};
