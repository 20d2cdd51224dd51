// What every Trunk post-build hook here starts with: the staging folder
// Trunk hands it (TRUNK_STAGING_DIR), or a clear exit when run by hand.
// With `releaseOnly`, a hook that only shapes the release bundle exits
// quietly for `trunk serve` and other debug builds.

/** The folder Trunk is building into; exits if there is none. */
export function stagingDir(hook, { releaseOnly = false } = {}) {
  const dir = process.env.TRUNK_STAGING_DIR;
  if (!dir) {
    console.error(`${hook}: run me as a Trunk hook (TRUNK_STAGING_DIR is not set)`);
    process.exit(2);
  }
  if (releaseOnly && process.env.TRUNK_PROFILE !== 'release') process.exit(0);
  return dir;
}
