/**
 * sluice has one workspace, Kong's `default`, with the id a DB-less Kong gives it
 * (kong/constants.lua DECLARATIVE_DEFAULT_WORKSPACE_ID), so logs and metrics carry the ids Kong's do.
 */
export const DEFAULT_WORKSPACE = Object.freeze({ id: '0dc6f45b-8f8d-40d2-a504-473544ee190b', name: 'default' });
