/*
 * Image Factory: verification of a digest for a lifecycle stage. Each run of
 * a stage's `verify` checks, bound to the exact digest it tested (a pass
 * certifies that digest for that stage, no other), with its result per check
 * and platform, and its log lines (the shape of build logs, so that the same
 * readers and streams serve them).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stage_verifications', table => {
    table.comment('Runs of the verify checks of a stage for one digest');
    table.string('id', 36).notNullable().primary();
    table.string('image_name', 255).notNullable();
    table.string('stage', 63).notNullable();
    table.string('digest', 255).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, running, then passed or failed');
    table.string('requested_by', 255).nullable();
    table
      .text('results')
      .nullable()
      .comment('JSON: one result per check and platform');
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(
      ['image_name', 'stage', 'digest', 'created_at'],
      'stage_verifications_digest_idx',
    );
    table.index(['image_name', 'created_at'], 'stage_verifications_image_idx');
    table.index(['status'], 'stage_verifications_status_idx');
  });
  await knex.schema.createTable('stage_verification_logs', table => {
    table.comment('Log lines of stage verifications');
    table
      .string('verification_id', 36)
      .notNullable()
      .references('id')
      .inTable('stage_verifications')
      .onDelete('CASCADE');
    table.integer('seq').notNullable().comment('From 1, per verification');
    table.string('platform', 32).nullable();
    table.string('stream', 8).notNullable().comment('build or system');
    table.timestamp('time', { useTz: true }).notNullable();
    table.text('text').notNullable();
    table.primary(['verification_id', 'seq']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stage_verification_logs');
  await knex.schema.dropTable('stage_verifications');
};
