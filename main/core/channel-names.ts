/**
 * The names of every channel, as plain data with no imports, so the sandboxed preload can expose
 * one function per channel without pulling zod or the core into the renderer's process.
 * channels/index.ts checks at compile time that this list and the table agree.
 */
export const CHANNEL_NAMES = [
  'auth:status',
  'auth:setup',
  'auth:signIn',
  'auth:signOut',
  'auth:changePassword',
  'users:list',
  'users:create',
  'users:update',
  'users:resetPassword',
  'projects:list',
  'projects:create',
  'projects:update',
  'projects:delete',
  'projects:members',
  'projects:addMember',
  'projects:removeMember',
  'apikeys:list',
  'apikeys:create',
  'apikeys:revoke',
  'audit:list',
  'audit:verify',
  'audit:head',
  'jobs:list',
  'jobs:get',
  'jobs:cancel',
  'vault:status',
  'vault:init',
  'vault:rotate',
  'system:info',
  'optimizer:catalog',
  'optimizer:run',
  'optimizer:runs',
  'optimizer:get',
  'gateway:config',
  'playground:models',
  'playground:chat',
  'playground:cancel',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];
