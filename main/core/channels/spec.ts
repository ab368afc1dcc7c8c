import { z } from 'zod';
import type { Permission } from '../access/permissions';
import { ROLES } from '../access/permissions';

/**
 * The building blocks of the channel table: a channel's spec and the validators several domains share.
 * Each domain declares its channels in its own file; index.ts joins them into the one table.
 */

declare const outputBrand: unique symbol;
export type Output<T> = { readonly [outputBrand]: T };
export const returns = <T>() => undefined as unknown as Output<T>;

export type Access = Permission | 'public' | 'signed-in';

export interface ChannelSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  output: Output<O>;
  access: Access;
  mutates: boolean;
  summary: string;
}

export const channel = <I extends z.ZodType, O>(spec: ChannelSpec<I, O>) => spec;

export const empty = z.object({}).strict();
export const id = (what: string) => z.string().min(1, `${what} is required`).max(64);
export const username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/i, 'use 2–40 letters, digits, dots, dashes or underscores, starting with a letter or digit');
export const password = z.string().min(1, 'is required').max(1024);
export const role = z.enum(ROLES);
export const projectName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'use 1–40 lowercase letters, digits and dashes (a DNS label), e.g. "fraud-detection"');
export const isoFuture = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' });
