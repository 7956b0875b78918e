/** `registry`: the ECR repositories of images given as { repository, tag }, their scanning and lifecycle. */
import { z } from 'zod';
import { positiveInt } from './schema-values';
import { strictObject } from './strict-object';

export const registrySchema = strictObject({
  scanOnPush: z.boolean().default(true).describe('Scan every pushed image for vulnerabilities'),
  immutableTags: z.boolean().default(true).describe('Tags cannot be overwritten; moving tags such as latest are refused in images'),
  lifecycle: strictObject({
    keepTaggedImages: positiveInt.max(10000).default(30).describe('The newest tagged images kept per repository'),
    untaggedExpiryDays: positiveInt.max(3650).default(7).describe('Days before an untagged image expires'),
    protectedTagPrefixes: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'tag prefixes are letters, digits, _ . -'))
      .default([])
      .describe('Images with a tag starting with one of these never expire'),
  })
    .prefault({})
    .describe('How long images are kept: { keepTaggedImages, untaggedExpiryDays, protectedTagPrefixes }'),
});
