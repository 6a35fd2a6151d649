/*
 * Image Factory: gates of a stage move. A promotion into a stage with
 * verification checks or an approval policy waits (`status: waiting`) for
 * its verification to pass or for an approver, before its tag is moved.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('stage_moves', table => {
    table
      .string('waiting_for', 16)
      .nullable()
      .comment('verification or approval, while status is waiting');
    table
      .string('trigger', 16)
      .notNullable()
      .defaultTo('user')
      .comment('user, or auto (the stage policy promoted it)');
    table.string('verification_id', 36).nullable();
    table
      .string('decided_by', 255)
      .nullable()
      .comment('Who approved or rejected');
    table.text('decision_reason').nullable();
    table.timestamp('decided_at', { useTz: true }).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('stage_moves', table => {
    table.dropColumn('waiting_for');
    table.dropColumn('trigger');
    table.dropColumn('verification_id');
    table.dropColumn('decided_by');
    table.dropColumn('decision_reason');
    table.dropColumn('decided_at');
  });
};
