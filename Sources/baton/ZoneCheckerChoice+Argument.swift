import ArgumentParser
import Engine

extension ZoneCheckerChoice: ExpressibleByArgument {}
