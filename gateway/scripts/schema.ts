// `npm run gateway:schema`: writes gateway/config.schema.json from the zod schema (a test checks it is current).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gatewayConfigJsonSchema } from '../src/config/json-schema';

const out = fileURLToPath(new URL('../config.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(gatewayConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${out}`);
