// Types of the cdktf jest matchers (toHaveResource, toHaveResourceWithProperties, ...) that setup.ts installs.
import 'cdktf/lib/testing/adapters/jest';
