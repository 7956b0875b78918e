import { Testing } from 'cdktf';

// Adds toHaveResource, toHaveResourceWithProperties, toPlanSuccessfully ... to expect.
Testing.setupJest();
