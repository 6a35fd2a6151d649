/*
 * Image Factory: runs of the wheel refinery. A run plans one wheel set
 * (pip's resolver per target) and then builds what the plan says, one job
 * per sdist and target, round after round. Runs and jobs are claimed with a
 * lease like build runs, so that what a stopped backend held goes back to
 * the queue (or fails as interrupted) instead of being lost or run twice.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('refinery_runs', table => {
    table.comment('Runs of a wheel set: its plan, then its builds');
    table.string('id', 36).notNullable().primary();
    table.string('set_name', 255).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('queued, planning, building, then succeeded or failed');
    table.string('requested_by', 255).nullable();
    table
      .text('wheel_set')
      .notNullable()
      .comment('JSON: the set as wheels.yaml said when the run was asked for');
    table.text('plan').nullable().comment('JSON: per target, items and rounds');
    table.text('error').nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('lease_owner', 255).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['status', 'created_at'], 'refinery_runs_status_idx');
    table.index(['set_name', 'created_at'], 'refinery_runs_set_idx');
  });
  await knex.schema.createTable('refinery_jobs', table => {
    table.comment('One sdist to build for one target of a run');
    table.string('id', 36).notNullable().primary();
    table
      .string('run_id', 36)
      .notNullable()
      .references('id')
      .inTable('refinery_runs')
      .onDelete('CASCADE');
    table.string('python', 16).notNullable();
    table.string('platform', 32).notNullable();
    table.string('project', 255).notNullable().comment('PEP 503 normalized');
    table.string('version', 128).notNullable();
    table
      .integer('round')
      .notNullable()
      .comment('From 0; a round waits for the earlier ones');
    table.text('sdist_url').notNullable();
    table.string('sdist_sha256', 64).nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment(
        'waiting, queued, running, then built, reused, failed or skipped',
      );
    table.string('cause', 32).nullable().comment('Why it failed, classified');
    table.text('error').nullable();
    table.boolean('emulated').nullable();
    table.text('tries').nullable().comment('JSON: each attempt in a builder');
    table.text('files').nullable().comment('JSON: the wheel files published');
    table.integer('attempts').notNullable().defaultTo(0);
    table.string('lease_owner', 255).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['run_id', 'round'], 'refinery_jobs_run_idx');
    table.index(['status', 'created_at'], 'refinery_jobs_status_idx');
    table.index(['project'], 'refinery_jobs_project_idx');
  });
  await knex.schema.createTable('refinery_job_logs', table => {
    table.comment('Log lines of refinery jobs and of run planning');
    table
      .string('job_id', 36)
      .notNullable()
      .comment('A job id, or a run id for its plan');
    table.integer('seq').notNullable().comment('From 1, per job');
    table.string('platform', 32).nullable();
    table.string('stream', 8).notNullable().comment('build or system');
    table.timestamp('time', { useTz: true }).notNullable();
    table.text('text').notNullable();
    table.primary(['job_id', 'seq']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('refinery_job_logs');
  await knex.schema.dropTable('refinery_jobs');
  await knex.schema.dropTable('refinery_runs');
};
