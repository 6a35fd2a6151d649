/*
 * Image Factory: lifecycle stages. Which digest each stage of an image holds
 * (and the one before, for rollbacks), and every move of a stage tag, from
 * the request to the moved tag: a move is written `pending` before the
 * registry is asked and `done` only after the tag moved, so that a backend
 * restart finishes or fails it, never leaves it half-applied.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('stage_states', table => {
    table.comment('The digest each lifecycle stage of an image holds');
    table.string('image_name', 255).notNullable();
    table.string('stage', 63).notNullable();
    table.string('digest', 255).notNullable();
    table
      .string('previous_digest', 255)
      .nullable()
      .comment('What the stage held before, for a rollback');
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).nullable();
    table.primary(['image_name', 'stage']);
  });
  await knex.schema.createTable('stage_moves', table => {
    table.comment('Every promotion and rollback of a stage, with its outcome');
    table.string('id', 36).notNullable().primary();
    table.string('image_name', 255).notNullable();
    table.string('stage', 63).notNullable();
    table.string('action', 16).notNullable().comment('promote or rollback');
    table.string('from_digest', 255).nullable();
    table.string('to_digest', 255).notNullable();
    table.string('requested_by', 255).nullable();
    table.text('reason').nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('pending until the stage tag moved, then done; or failed');
    table.text('error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['image_name', 'created_at'], 'stage_moves_image_idx');
    table.index(['status'], 'stage_moves_status_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('stage_moves');
  await knex.schema.dropTable('stage_states');
};
