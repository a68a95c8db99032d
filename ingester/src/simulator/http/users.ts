/** `GET /users/{username}`: a simulated person's public profile (login and id), as GitHub answers it. */
import type { SimContext } from './context';
import type { Exchange } from './exchange';

export class UsersApi {
  /** login (lower case) → user index, built on first use. */
  private byLogin: Map<string, number> | undefined;

  constructor(private readonly ctx: SimContext) {}

  get(x: Exchange): void {
    const { population } = this.ctx;
    this.byLogin ??= new Map(
      Array.from({ length: population.userCount }, (_, u) => [population.userLogin(u).toLowerCase(), u]),
    );
    const u = this.byLogin.get(decodeURIComponent(x.params.login).toLowerCase());
    if (u === undefined)
      return x.json(404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest/users/users',
      });
    x.json(200, { login: population.userLogin(u), id: population.userId(u), type: 'User' });
  }
}
