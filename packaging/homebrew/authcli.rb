# Homebrew formula for authcli, installing the release archives (macOS arm64 and x86_64, Linux
# arm64 and x86_64). The version and the sha256 lines are filled in by packaging/fill.sh when a
# release is made; copy the filled file (attached to each GitHub release) into a tap.
class Authcli < Formula
  desc "Command-line TOTP/HOTP authenticator with an age-encrypted vault"
  homepage "https://github.com/authcli/authcli"
  version "0.1.0"
  license any_of: ["MIT", "Apache-2.0"]

  on_macos do
    on_arm do
      url "https://github.com/authcli/authcli/releases/download/v#{version}/authcli-#{version}-aarch64-apple-darwin.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000" # aarch64-apple-darwin
    end
    on_intel do
      url "https://github.com/authcli/authcli/releases/download/v#{version}/authcli-#{version}-x86_64-apple-darwin.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000" # x86_64-apple-darwin
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/authcli/authcli/releases/download/v#{version}/authcli-#{version}-aarch64-unknown-linux-musl.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000" # aarch64-unknown-linux-musl
    end
    on_intel do
      url "https://github.com/authcli/authcli/releases/download/v#{version}/authcli-#{version}-x86_64-unknown-linux-musl.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000" # x86_64-unknown-linux-musl
    end
  end

  def install
    bin.install "authcli"
    man1.install Dir["man/*.1"]
    bash_completion.install "completions/authcli.bash" => "authcli"
    zsh_completion.install "completions/_authcli"
    fish_completion.install "completions/authcli.fish"
    doc.install "README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"
  end

  test do
    assert_match version.to_s, shell_output("#{bin}/authcli --version")
    ENV["AUTHCLI_VAULT"] = (testpath/"vault.age").to_s
    ENV["AUTHCLI_IDENTITY"] = (testpath/"key.txt").to_s
    system bin/"authcli", "init", "--identity", testpath/"key.txt"
    system bin/"authcli", "add", "--uri", "otpauth://totp/Test:me?secret=JBSWY3DPEHPK3PXP&issuer=Test"
    assert_equal "996554", shell_output("#{bin}/authcli code test --at 59").strip
  end
end
