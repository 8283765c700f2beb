import { describe, expect, it } from 'vitest';
import { compareRoutes, matchRoute, parseRouteTemplate } from '../../tools/host/http/routeTemplate';

const match = (template: string, path: string) => matchRoute(parseRouteTemplate(template), path);

describe('route templates', () => {
  it('matches literals case-insensitively and decodes parameters', () => {
    expect(match('Items/List', '/items/list')).toEqual({});
    expect(match('users/{name}', '/users/J%C3%BCrgen')).toEqual({ name: 'Jürgen' });
    expect(match('users/{name}', '/users')).toBeUndefined();
    expect(match('users/{name}', '/users/a/b')).toBeUndefined();
  });

  it('applies constraints', () => {
    expect(match('items/{id:int}', '/items/42')).toEqual({ id: '42' });
    expect(match('items/{id:int}', '/items/4x')).toBeUndefined();
    expect(match('items/{id:int}', '/items/99999999999')).toBeUndefined();
    expect(match('n/{name:alpha}', '/n/abc')).toEqual({ name: 'abc' });
    expect(match('n/{name:alpha}', '/n/ab1')).toBeUndefined();
    expect(match('g/{id:guid}', '/g/0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual({ id: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(match('g/{id:guid}', '/g/not-a-guid')).toBeUndefined();
    expect(match('r/{n:int:range(1,5)}', '/r/5')).toEqual({ n: '5' });
    expect(match('r/{n:int:range(1,5)}', '/r/6')).toBeUndefined();
    expect(match('b/{flag:bool}', '/b/TRUE')).toEqual({ flag: 'TRUE' });
    expect(match('m/{s:minlength(3)}', '/m/ab')).toBeUndefined();
  });

  it('handles optional parameters, defaults and catch-alls', () => {
    expect(match('files/{name?}', '/files')).toEqual({});
    expect(match('files/{name?}', '/files/a.txt')).toEqual({ name: 'a.txt' });
    expect(match('page/{n=1}', '/page')).toEqual({ n: '1' });
    expect(match('static/{*path}', '/static/css/site.css')).toEqual({ path: 'css/site.css' });
    expect(match('static/{*path}', '/static')).toEqual({});
  });

  it('matches complex segments', () => {
    expect(match('dl/{file}.{ext}', '/dl/report.csv')).toEqual({ file: 'report', ext: 'csv' });
  });

  it('rejects broken templates', () => {
    expect(() => parseRouteTemplate('a/{id:nope}')).toThrow(/Unknown constraint/);
    expect(() => parseRouteTemplate('a/{*rest}/b')).toThrow(/catch-all/);
    expect(() => parseRouteTemplate('a/{id')).toThrow(/Unclosed/);
  });

  it('orders literal before constrained before free parameters before catch-all', () => {
    const templates = ['x/{*all}', 'x/{name}', 'x/{id:int}', 'x/latest'].map(parseRouteTemplate);
    expect(templates.sort(compareRoutes).map((t) => t.template)).toEqual(['x/latest', 'x/{id:int}', 'x/{name}', 'x/{*all}']);
  });

  it('does not throw on malformed percent-encoding', () => {
    expect(match('users/{name}', '/users/%E0%A4%A')).toBeUndefined();
  });
});
