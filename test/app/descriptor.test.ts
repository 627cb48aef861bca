import { describe, expect, it } from 'vitest';
import { parseDescriptorText } from '../../src/app/descriptor.js';
import { handlerCandidates, parseNodeHandler, parsePythonHandler } from '../../src/app/handler-string.js';

describe('CloudFormation short tags', () => {
  it.each([
    ['!Ref Table', { Ref: 'Table' }],
    ['!GetAtt Role.Arn', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!GetAtt Bucket.Outputs.Name', { 'Fn::GetAtt': ['Bucket', 'Outputs.Name'] }],
    ['!GetAtt [Role, Arn]', { 'Fn::GetAtt': ['Role', 'Arn'] }],
    ['!Sub "${AWS::StackName}-q"', { 'Fn::Sub': '${AWS::StackName}-q' }],
    ['!Sub ["${A}-x", { A: !Ref B }]', { 'Fn::Sub': ['${A}-x', { A: { Ref: 'B' } }] }],
    ['!Join ["", [a, !Ref B]]', { 'Fn::Join': ['', ['a', { Ref: 'B' }]] }],
    ['!If [C, !Ref A, !Ref "AWS::NoValue"]', { 'Fn::If': ['C', { Ref: 'A' }, { Ref: 'AWS::NoValue' }] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['!Split [",", !ImportValue Out]', { 'Fn::Split': [',', { 'Fn::ImportValue': 'Out' }] }],
    ['!FindInMap [M, !Ref "AWS::Region", K]', { 'Fn::FindInMap': ['M', { Ref: 'AWS::Region' }, 'K'] }],
    ['!Base64 { "Fn::Sub": x }', { 'Fn::Base64': { 'Fn::Sub': 'x' } }],
    ['!Equals [a, b]', { 'Fn::Equals': ['a', 'b'] }],
    ['!Not [!Condition C]', { 'Fn::Not': [{ Condition: 'C' }] }],
    ['!And [!Condition A, !Or [!Condition B, !Condition C]]', { 'Fn::And': [{ Condition: 'A' }, { 'Fn::Or': [{ Condition: 'B' }, { Condition: 'C' }] }] }],
    ['!Cidr [!Ref Vpc, 6, 5]', { 'Fn::Cidr': [{ Ref: 'Vpc' }, 6, 5] }],
  ])('%s', (yaml, expected) => {
    expect(parseDescriptorText(`v: ${yaml}\n`, 't.yaml')).toEqual({ v: expected });
  });

  it('JSON templates parse as JSON', () => {
    expect(parseDescriptorText('{"a": {"Ref": "X"}}', 'template.json')).toEqual({ a: { Ref: 'X' } });
  });
});

describe('handler strings', () => {
  it.each([
    ['index.handler', { modulePath: 'index', exportName: 'handler' }],
    ['src/api/index.handler', { modulePath: 'src/api/index', exportName: 'handler' }],
    ['index.handlers.main', { modulePath: 'index', exportName: 'handlers.main' }],
    ['dir.v2/file.fn', { modulePath: 'dir.v2/file', exportName: 'fn' }],
    ['index', undefined],
    ['index.', undefined],
  ])('node %s', (h, expected) => expect(parseNodeHandler(h)).toEqual(expected));

  it.each([
    ['app.lambda_handler', { modulePath: 'app', exportName: 'lambda_handler' }],
    ['pkg/module.fn', { modulePath: 'pkg/module', exportName: 'fn' }],
    ['pkg.module.fn', { modulePath: 'pkg/module', exportName: 'fn' }],
    ['pkg..fn', undefined],
    ['fn', undefined],
  ])('python %s', (h, expected) => expect(parsePythonHandler(h)).toEqual(expected));

  it('candidates follow the runtimes in order', () => {
    expect(handlerCandidates('a/b.c', ['nodejs', 'python']).map((c) => c.file)).toEqual(['a/b.js', 'a/b.mjs', 'a/b.cjs', 'a/b.py', 'a/b/__init__.py']);
  });
});
