/**
 * The setup file of the package's jest preset (jest-preset.js): cdktf's
 * matchers (toHaveResource, toHaveResourceWithProperties, ...) on `expect`.
 */
import { Testing } from 'cdktf';

Testing.setupJest();
