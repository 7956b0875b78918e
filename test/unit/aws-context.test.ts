/** The AWS context a stack sets once and its modules read (src/modules/aws-context.ts). */
import { Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsContext } from '../../src/modules/aws-context';
import { QueuesKey } from '../../src/modules/kms/queues-key';

describe('AwsContext', () => {
  it('is read from the enclosing stack at any depth, with the partition and DNS suffix of its region', () => {
    const stack = new TerraformStack(Testing.app(), 'env');
    const set = AwsContext.set(stack, { region: 'cn-north-1', accountId: '123456789012' });
    const deep = new Construct(new Construct(stack, 'outer'), 'inner');
    const read = AwsContext.of(deep);
    expect(read).toBe(set);
    expect({ ...read }).toEqual({ partition: 'aws-cn', region: 'cn-north-1', accountId: '123456789012', dnsSuffix: 'amazonaws.com.cn' });
    expect(AwsContext.of(stack)).toBe(set);
    expect(read.arn('ssm', 'parameter/shop-dev/teleport/agent.yaml')).toBe(
      'arn:aws-cn:ssm:cn-north-1:123456789012:parameter/shop-dev/teleport/agent.yaml',
    );
  });

  it('belongs to one stack: each stack of an app reads its own', () => {
    const app = Testing.app();
    const gov = new TerraformStack(app, 'gov');
    const commercial = new TerraformStack(app, 'commercial');
    AwsContext.set(gov, { region: 'us-gov-west-1', accountId: '111122223333' });
    AwsContext.set(commercial, { region: 'eu-west-1', accountId: '444455556666' });
    expect(AwsContext.of(new Construct(gov, 'm'))).toMatchObject({
      partition: 'aws-us-gov',
      accountId: '111122223333',
      dnsSuffix: 'amazonaws.com',
    });
    expect(AwsContext.of(new Construct(commercial, 'm'))).toMatchObject({
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '444455556666',
    });
  });

  it('names the construct and its stack when the stack set none', () => {
    const stack = new TerraformStack(Testing.app(), 'bare');
    const module = new Construct(new Construct(stack, 'service-api'), 'roles');
    expect(() => AwsContext.of(module)).toThrow(
      'bare/service-api/roles: its stack bare has no AWS context; the stack calls AwsContext.set(this, { region, accountId }) in its constructor, before it adds modules',
    );
  });

  it('stops a module used in a stack without one, naming the module', () => {
    const stack = new TerraformStack(Testing.app(), 'bare');
    expect(() => new QueuesKey(stack, 'queues-key', { namePrefix: 'shop-dev' })).toThrow(
      'bare/queues-key: its stack bare has no AWS context',
    );
  });

  it('names the construct when it is in no stack at all', () => {
    const loose = new Construct(Testing.app(), 'loose');
    expect(() => AwsContext.of(new Construct(loose, 'key'))).toThrow('loose/key: not inside a stack, so it has no AWS context');
  });

  it('is set once per stack', () => {
    const stack = new TerraformStack(Testing.app(), 'env');
    AwsContext.set(stack, { region: 'eu-west-1', accountId: '123456789012' });
    expect(() => AwsContext.set(stack, { region: 'us-east-1', accountId: '123456789012' })).toThrow(
      "env: the stack's AWS context is set already",
    );
    expect(AwsContext.of(stack).region).toBe('eu-west-1');
  });
});
