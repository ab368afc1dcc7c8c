import pkg from '../../package.json';

export const FOUNDRY_VERSION: string = pkg.version;
