/*
 * Image Factory: change requests of wheel sets. A change request edits an
 * image of images.yaml (`image`, every request before this one) or a wheel
 * set of the refinery's wheels.yaml (`wheel-set`).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('enrollments', table => {
    table
      .string('subject', 16)
      .notNullable()
      .defaultTo('image')
      .comment('image or wheel-set: what image_name names');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('enrollments', table => {
    table.dropColumn('subject');
  });
};
