/**
 * sluice has one workspace, Kong's `default` (a DB-less Kong node has only that one too). Kong gives it a
 * random id when its database is initialised; sluice's is fixed so that logs and metrics carry the same id
 * on every node and across restarts.
 */
export const DEFAULT_WORKSPACE = Object.freeze({ id: 'a7259735-5bbf-478b-9563-c76efd3da0e3', name: 'default' });
