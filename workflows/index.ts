// The worker bundles this file: it must export every workflow and nothing that needs Node.
export { nurtureWorkflow } from './nurture-workflow';
