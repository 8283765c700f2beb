// azd service hook (azure.yaml): stage the deployment package after azd's `npm run build`.
import { join } from 'node:path';
import { npmCiProduction } from './npmCiProduction';
import { stagePackage } from './stagePackage';

const root = process.cwd();
const staged = stagePackage({ root, outDir: join(root, '.local', 'azd-package'), install: npmCiProduction });
console.log(`staged deployment package: ${staged.join(', ')}`);
