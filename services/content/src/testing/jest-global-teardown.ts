import { stopSharedTestInfra } from '@postmagiq/platform/testing';

export default stopSharedTestInfra;
