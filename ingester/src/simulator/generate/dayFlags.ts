/** What a user did on a day, surfaces included: the bits of a user-day's flags. */
export enum DayFlag {
  Active = 1,
  Chat = 2,
  Agent = 4,
  Cli = 8,
  ReviewActive = 16,
  ReviewPassive = 32,
  CloudAgent = 64,
  App = 128,
  VscodeAgent = 256,
  ThirdParty = 512,
}
