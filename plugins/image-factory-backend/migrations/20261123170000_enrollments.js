/*
 * Image Factory: change requests asked for from the portal (enroll, un-enroll,
 * change an image), each carried by a pull request against images.yaml in the
 * config repository. The pull request is the source of truth; this table
 * remembers who asked, why, and the state last seen, so that the portal lists
 * pending requests without asking GitHub every time.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('enrollments', table => {
    table.comment('Change requests of images.yaml carried by pull requests');
    table.string('id', 36).primary().notNullable().comment('UUID');
    table
      .string('action', 16)
      .notNullable()
      .comment('enroll, unenroll or change');
    table.string('image_name', 63).notNullable();
    table.string('state', 16).notNullable().comment('open, merged or closed');
    table
      .string('requested_by', 255)
      .notNullable()
      .comment('Entity ref of the user who asked');
    table.text('summary').notNullable();
    table.text('reason').nullable();
    table
      .text('entry')
      .nullable()
      .comment('The images.yaml entry as JSON (absent for unenroll)');
    table.string('repo', 255).notNullable().comment('owner/name');
    table.integer('pr_number').notNullable();
    table.string('pr_url', 1024).notNullable();
    table.string('branch', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['repo', 'pr_number'], {
      indexName: 'enrollments_repo_pr_number_idx',
    });
    table.index(['state'], 'enrollments_state_idx');
    table.index(['image_name'], 'enrollments_image_name_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('enrollments');
};
